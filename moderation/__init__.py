"""The moderation domain: everything that is true whatever the transport."""
