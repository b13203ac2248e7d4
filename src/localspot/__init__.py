"""localspot: a HubSpot-compatible CRM API server you run yourself."""

__version__ = "0.1.0"
