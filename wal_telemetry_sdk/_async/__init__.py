"""The async clients and their machinery: the one hand-maintained source of both clients."""
