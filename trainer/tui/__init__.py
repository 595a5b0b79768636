"""trainer.tui"""
