print("scimd")
