"""Backbone folder; see backbone.py."""
