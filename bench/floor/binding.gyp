{
  # The bench's floor addon (floor.c), built by bench/build.mjs into build/.
  "targets": [
    {
      "target_name": "floor",
      "sources": ["floor.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
