"""gateway-api-integrator: a Gateway, its listeners and TLS Secrets, from relations."""
