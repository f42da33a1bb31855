"""The Gateway API's group, versions and the feature names controllers advertise."""

GROUP = "gateway.networking.k8s.io"
API_VERSION = f"{GROUP}/v1"

FEATURE_LISTENER_SET = "GatewayListenerSet"
"""GatewayClass `status.supportedFeatures` name for ListenerSet (gateway-api pkg/features)."""
FEATURE_BACKEND_TLS = "BackendTLSPolicy"
"""GatewayClass `status.supportedFeatures` name for BackendTLSPolicy (gateway-api pkg/features)."""
