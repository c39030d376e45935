"""Shared text and geometry toolkit: folds, slugs, boxes, clusters, process pools."""
