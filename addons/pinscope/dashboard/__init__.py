"""The live dashboard: the session as the report shows it, served while the proxy runs, updating itself.

`live` is what the addon holds (light to import); `server` (tornado), `frames` and `page` load when it starts.
"""
