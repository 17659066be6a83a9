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
        "native/runtime_fds.cc",
        "native/reactor/dispatch.cc",
        "native/reactor/facts.cc",
        "native/reactor/interrupt.cc",
        "native/reactor/op.cc",
        "native/reactor/pool.cc",
        "native/reactor/reactor.cc",
        "native/reactor/vectored.cc",
        "native/io.cc",
        "native/msg.cc",
        "native/netdb.cc"
      ],
      # The constants' C++ table, generated from the one list of names
      # (native/constants.txt) before the sources compile.
      "actions": [
        {
          "action_name": "constant_names",
          "inputs": ["scripts/constants.mjs", "native/constants.txt"],
          "outputs": ["<(SHARED_INTERMEDIATE_DIR)/constant_names.h"],
          "action": ["node", "scripts/constants.mjs", "cc", "<@(_outputs)"]
        }
      ],
      "include_dirs": ["<(SHARED_INTERMEDIATE_DIR)"],
      "conditions": [
        # One poller backend per platform (native/reactor/poller.h).
        ["OS=='linux'", {"sources": ["native/reactor/poller_epoll.cc"]}],
        ["OS in 'mac ios freebsd openbsd netbsd'", {"sources": ["native/reactor/poller_kqueue.cc"]}]
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
