"""What every blueprint shares: settings, the API error type, JSON request/response handling."""
