"""Indonesian word lists the text phases rely on, kept as named data.

They are used to find where a promoted headline glued into a paragraph
("...kata dia. Baca juga: Judul Berita Lain Namun, Ketua DPR ...") ends and
the story resumes. Headlines are written in title case; these lists name the
lowercase words a title-case headline still contains, and the words that
open a story sentence.
"""

#: Lowercase words that title-case headlines keep lowercase (prepositions,
#: conjunctions, particles, short fillers). A capitalised word followed by a
#: lowercase word NOT in this list starts a sentence: "Faisal juga berharap".
TITLE_SMALL_WORDS = frozenset(
    """
    di ke dari dan yang untuk kepada buat tanpa seusai pasca atas akibat tapi tetapi soal jika
    dalam dengan hingga bagi atau pada oleh serta demi sejak saat usai jelang lewat per vs
    karena agar kala dkk kata ala sebagai tentang terhadap menuju antara bersama via versi
    """.split()
)

#: Sentence connectives that, followed by a comma, open a story sentence.
CONNECTIVES = frozenset(
    [
        "Namun", "Terpisah", "Sementara itu", "Selain itu", "Sebelumnya", "Kemudian", "Adapun",
        "Diketahui", "Meski demikian", "Meski begitu", "Oleh karena itu", "Oleh sebab itu",
        "Dengan demikian", "Untuk itu", "Karena itu", "Akibatnya", "Bahkan", "Padahal",
        "Selanjutnya", "Lebih lanjut", "Di sisi lain", "Sebagai informasi", "Untuk diketahui",
        "Sedangkan", "Menurut dia", "Menurut mereka",
    ]
)

#: Day names: "Senin (19/11/2024)" opens a story sentence, as does "Pada Senin (...".
DAYS = frozenset("Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split())
DATE_LEADS = frozenset("Pada Hingga Sejak Sampai Mulai".split())
