from clearance.cli.app import main

main()
