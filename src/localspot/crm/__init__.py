"""The CRM domain: HubSpot's rules as plain Python, with no web, wire or database code."""
