"""Context builders, one module per document kind: from workflow rows to the plain strings and
lists a template prints. Each returns a Draft; none renders or checks permissions."""
