from oscbridge.cli import main

main()
