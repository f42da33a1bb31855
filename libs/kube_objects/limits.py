"""List limits of the Gateway API CRDs (the same in v1.2.1, v1.4.1 and v1.6.1).

Named for the object they bound, so that one name never means two numbers.
"""

MAX_LISTENERS = 64
"""`spec.listeners` maxItems, on a Gateway and on a ListenerSet alike."""
MAX_ROUTE_HOSTNAMES = 16
"""HTTPRoute `spec.hostnames` maxItems."""
MAX_PARENT_REFS = 32
"""HTTPRoute `spec.parentRefs` maxItems."""
MAX_RULES = 16
"""HTTPRoute `spec.rules` maxItems."""
