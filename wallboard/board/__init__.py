"""The live board: state store, diffing, publishing, the socket consumer and the page."""
