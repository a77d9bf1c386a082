"""Turn an executed notebook into files: run it (papermill), convert it (nbconvert), print it
(Chromium), and write every output whole or not at all."""
