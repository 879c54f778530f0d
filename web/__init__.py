"""The page to try the model and give feedback, served by the function app."""
