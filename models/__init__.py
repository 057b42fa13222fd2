"""Text classifier for offer screening: features, training, signed bundles."""
