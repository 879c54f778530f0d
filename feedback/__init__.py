"""Feedback on predictions: POST /api/feedback, validated, stored once in Azure Table Storage, traced."""
