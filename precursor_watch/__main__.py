from precursor_watch.cli import main

main()
