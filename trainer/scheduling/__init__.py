"""trainer.scheduling"""
