"""CSV and spreadsheet imports and exports of training records."""
