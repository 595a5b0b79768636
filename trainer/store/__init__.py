"""trainer.store"""
