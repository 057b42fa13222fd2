"""The Buyer Protection Programme: buyers' accounts and orders, discussions with sellers,
claims the platform decides and the compensation it pays, and feedback on sellers."""
