//! What the OpenTelemetry resource says about every trace: the service and the deployment
//! environment.

use opentelemetry::Key;
use opentelemetry_sdk::Resource;

/// The resource attributes the exporter uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ResourceFacts {
    /// `service.name`, unless it is the SDK's placeholder `unknown_service…`.
    pub(crate) service_name: Option<String>,
    /// `deployment.environment.name` (semantic conventions 1.27+) or `deployment.environment`.
    pub(crate) environment: Option<String>,
}

impl ResourceFacts {
    pub(crate) fn of(resource: &Resource) -> Self {
        let text = |key: &'static str| {
            resource
                .get(&Key::from_static_str(key))
                .map(|value| value.as_str().into_owned())
                .filter(|text| !text.trim().is_empty())
        };
        Self {
            service_name: text("service.name").filter(|name| !name.starts_with("unknown_service")),
            environment: text("deployment.environment.name")
                .or_else(|| text("deployment.environment")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::KeyValue;

    #[test]
    fn service_and_environment_are_read_and_placeholders_ignored() {
        let resource = Resource::builder_empty()
            .with_attributes([
                KeyValue::new("service.name", "checkout"),
                KeyValue::new("deployment.environment", "staging"),
            ])
            .build();
        let facts = ResourceFacts::of(&resource);
        assert_eq!(facts.service_name.as_deref(), Some("checkout"));
        assert_eq!(facts.environment.as_deref(), Some("staging"));

        let newer = Resource::builder_empty()
            .with_attributes([
                KeyValue::new("deployment.environment.name", "prod-eu"),
                KeyValue::new("deployment.environment", "production"),
            ])
            .build();
        let facts = ResourceFacts::of(&newer);
        assert_eq!(
            facts.environment.as_deref(),
            Some("prod-eu"),
            "the newer name wins"
        );

        // The SDK's default resource names an unknown service: that is no name.
        let default = Resource::builder().build();
        assert_eq!(ResourceFacts::of(&default).service_name, None);
    }
}
