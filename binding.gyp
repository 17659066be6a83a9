{
  "targets": [
    {
      "target_name": "posix_sockets",
      "sources": [
        "native/addon.cc",
        "native/calls.cc",
        "native/constants.cc",
        "native/inet.cc",
        "native/multiplex.cc",
        "native/reactor.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
