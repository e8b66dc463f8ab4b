"""Reading corpora and writing reports. Imports the model only."""
