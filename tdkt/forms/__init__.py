"""WTForms forms of the pages, one module per area; messages in Vietnamese."""
