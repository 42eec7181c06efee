"""Tags: named innovation approaches, typical demonstrations, topics and policy references.

cleaned text --approaches/demonstrations/topics--> [Candidate]
             --names (normalize, fold variants, drop generic words)-->
             --store (merge with editors' decisions)--> tags and document links
"""
