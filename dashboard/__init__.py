"""Streamlit pages and widgets of the reviewtools dashboard (``app.py``); the numbers come from ``reviewtools``."""
