"""Reference mathematics for graded answers: MLE, MAP, KL divergence, Fisher information."""
