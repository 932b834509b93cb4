"""Your neural-network pieces: Module, Neuron, Layer and MLP.

They come in the course's next part, once your Value can backpropagate (after
exercise 11). Nothing to write here yet.
"""
