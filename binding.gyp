{
  "targets": [
    {
      "target_name": "dlflow_native",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native/src').filter(f => f.endsWith('.cc')).map(f => 'native/src/' + f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/src"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["-O3", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wno-psabi", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-pthread"],
      # -z now: resolve every symbol when the addon loads, so an op kind's entry point without a
      # definition (op_codes.h declares one per kind) fails the require, naming it, instead of
      # killing the process at its first call.
      "ldflags": ["-pthread", "-Wl,-z,now"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"]
      }
    }
  ]
}
