__libc_start_call_main
/.*/libc\.so\.6
.*libc_start_call_main\.h:[0-9]+
