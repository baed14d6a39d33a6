"""obligations: government information-disclosure duties (政務公開) as a checkable rules language."""

__version__ = "0.1.0"
