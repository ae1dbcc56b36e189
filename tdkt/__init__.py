"""Award-dossier approval engine for TĐKT offices."""
