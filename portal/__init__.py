"""The core every area builds on; `portal.app` wires the areas into one application."""
