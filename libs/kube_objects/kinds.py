"""The Gateway API's group, versions and the feature names controllers advertise."""

GROUP = "gateway.networking.k8s.io"
API_VERSION = f"{GROUP}/v1"

FEATURE_LISTENER_SET = "ListenerSet"
"""GatewayClass `status.supportedFeatures` name for the standard (v1, Gateway API v1.5+)
ListenerSet, the only kind of ListenerSet the charm creates (gateway-api pkg/features,
`SupportListenerSet`). The older experimental name `GatewayListenerSet` stood for XListenerSet
in gateway.networking.x-k8s.io, a different API, so it does not count."""
FEATURE_BACKEND_TLS = "BackendTLSPolicy"
"""GatewayClass `status.supportedFeatures` name for BackendTLSPolicy (gateway-api pkg/features)."""
