"""Studies over many runs: sensitivity, the note's claims, burden sharing, the history
validation and robustness."""
