"""HTTPRoute list limits from the Gateway API CRDs (the same in v1.2.1 and v1.6.1)."""

MAX_HOSTNAMES = 16
"""`spec.hostnames` maxItems."""
MAX_PARENT_REFS = 32
"""`spec.parentRefs` maxItems."""
MAX_RULES = 16
"""`spec.rules` maxItems."""
