"""Reports the law asks for, from what the service stores: the DSA transparency report in the
harmonised template, and the figures of the marketplace's own programmes.

This room stands above the programmes: it reads every programme's tables (and the working-day
calendar of safety), and nothing below imports it.
"""
