# comment
1 2
2 3
3 1
