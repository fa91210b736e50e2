# gnuplot script written by shardflow bench; run `gnuplot plots.gp` here
set datafile commentschars '#'
set key top left font ',9'
set grid
set xrange [0.8:20]
set logscale x 2
set terminal pngcairo size 1260,680
set output 'time.png'
set multiplot layout 2,3
set title 'pr on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 12.192731 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'wcc on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.059250 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'bfs on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.036167 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'sssp on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 1.640916 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'cdlp on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 3.150386 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'kcore on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.951577 with lines dt 2 lw 2 title 'baseline, 1 thread'
unset multiplot
set terminal pngcairo size 640,480
set output 'speedup.png'
set title 'speedup over the single-threaded baseline'
set xlabel 'cores (threads x ranks)'
set ylabel 'baseline median / engine median'
set yrange [0:*]
plot x with lines dt 3 lc rgb 'gray' title 'ideal (x)', 1 with lines dt 2 lc rgb 'black' title 'baseline (COST line)', 'plots.dat' index 0 using 1:5 with linespoints lw 2 pt 7 title 'pr on kron:22' noenhanced, 'plots.dat' index 1 using 1:5 with linespoints lw 2 pt 7 title 'wcc on kron:22' noenhanced, 'plots.dat' index 2 using 1:5 with linespoints lw 2 pt 7 title 'bfs on kron:22' noenhanced, 'plots.dat' index 3 using 1:5 with linespoints lw 2 pt 7 title 'sssp on kron:22' noenhanced, 'plots.dat' index 4 using 1:5 with linespoints lw 2 pt 7 title 'cdlp on kron:22' noenhanced, 'plots.dat' index 5 using 1:5 with linespoints lw 2 pt 7 title 'kcore on kron:22' noenhanced
set terminal svg size 1260,680
set output 'time.svg'
set multiplot layout 2,3
set title 'pr on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 12.192731 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'wcc on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.059250 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'bfs on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.036167 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'sssp on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 1.640916 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'cdlp on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 3.150386 with lines dt 2 lw 2 title 'baseline, 1 thread'
set title 'kcore on kron:22' noenhanced
set xlabel 'cores (threads x ranks)'
set ylabel 'run time (s)'
set yrange [0:*]
plot 'plots.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'shardflow (median, min-max)', 0.951577 with lines dt 2 lw 2 title 'baseline, 1 thread'
unset multiplot
set terminal svg size 640,480
set output 'speedup.svg'
set title 'speedup over the single-threaded baseline'
set xlabel 'cores (threads x ranks)'
set ylabel 'baseline median / engine median'
set yrange [0:*]
plot x with lines dt 3 lc rgb 'gray' title 'ideal (x)', 1 with lines dt 2 lc rgb 'black' title 'baseline (COST line)', 'plots.dat' index 0 using 1:5 with linespoints lw 2 pt 7 title 'pr on kron:22' noenhanced, 'plots.dat' index 1 using 1:5 with linespoints lw 2 pt 7 title 'wcc on kron:22' noenhanced, 'plots.dat' index 2 using 1:5 with linespoints lw 2 pt 7 title 'bfs on kron:22' noenhanced, 'plots.dat' index 3 using 1:5 with linespoints lw 2 pt 7 title 'sssp on kron:22' noenhanced, 'plots.dat' index 4 using 1:5 with linespoints lw 2 pt 7 title 'cdlp on kron:22' noenhanced, 'plots.dat' index 5 using 1:5 with linespoints lw 2 pt 7 title 'kcore on kron:22' noenhanced
