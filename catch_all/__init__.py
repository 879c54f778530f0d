"""The anonymous `{*path}` function: the API's JSON 404/405 for paths and methods no function serves."""
