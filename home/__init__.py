"""The home page: what waits for the person signed in, gathered from every area above the core."""
