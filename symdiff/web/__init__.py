"""The web stage: ``symdiff serve``'s page and JSON API, a small Starlette app over symdiff's Python API.

``app`` holds the routes, ``jobs`` the work of each API endpoint, ``workers`` the processes that run it
within the timeout, ``katex`` where KaTeX is found; ``static/`` holds the page. Needs the ``web`` extra
(Starlette, uvicorn).
"""
