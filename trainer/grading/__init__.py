"""trainer.grading"""
