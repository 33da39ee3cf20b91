"""The ``clearance`` command line: parses options, calls the library, renders and writes."""
