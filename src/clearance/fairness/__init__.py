"""Fairness audit of a credit-scoring model: exact group metrics, disparities with confidence
intervals and corrected tests, proxies, mitigation and adverse-action reasons."""
